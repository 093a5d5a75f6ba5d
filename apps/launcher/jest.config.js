import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'launcher', rootDir: import.meta.dirname };
