import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'catalog', rootDir: import.meta.dirname };
