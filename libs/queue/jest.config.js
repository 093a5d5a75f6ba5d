import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'queue', rootDir: import.meta.dirname };
