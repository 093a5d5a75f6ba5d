import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'ip-pool', rootDir: import.meta.dirname };
