import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'store', rootDir: import.meta.dirname };
