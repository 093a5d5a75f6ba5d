import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'local-services', rootDir: import.meta.dirname };
