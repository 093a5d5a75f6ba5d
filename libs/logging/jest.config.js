import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'logging', rootDir: import.meta.dirname };
