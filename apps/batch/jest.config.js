import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'batch', rootDir: import.meta.dirname };
