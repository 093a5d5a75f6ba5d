import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'test-support', rootDir: import.meta.dirname };
