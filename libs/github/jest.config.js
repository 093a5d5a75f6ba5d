import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'github', rootDir: import.meta.dirname };
