import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'watcher', rootDir: import.meta.dirname };
