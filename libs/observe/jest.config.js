import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'observe', rootDir: import.meta.dirname };
