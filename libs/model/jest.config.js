import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'model', rootDir: import.meta.dirname };
