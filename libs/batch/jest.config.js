import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'batch-tasks', rootDir: import.meta.dirname };
