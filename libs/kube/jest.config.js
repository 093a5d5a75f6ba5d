import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'kube', rootDir: import.meta.dirname };
