import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'chart', rootDir: import.meta.dirname };
