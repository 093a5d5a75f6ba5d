import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'deployer', rootDir: import.meta.dirname };
