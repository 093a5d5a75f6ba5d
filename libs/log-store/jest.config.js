import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'log-store', rootDir: import.meta.dirname };
