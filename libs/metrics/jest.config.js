import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'metrics', rootDir: import.meta.dirname };
