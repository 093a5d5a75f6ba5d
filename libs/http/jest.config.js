import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'http', rootDir: import.meta.dirname };
