import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'backup', rootDir: import.meta.dirname };
