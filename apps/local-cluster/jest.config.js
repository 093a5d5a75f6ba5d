import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'local-cluster', rootDir: import.meta.dirname };
