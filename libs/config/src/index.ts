export { loadConfig } from './load-config';
export { ConfigSchema, ENV_VARIABLES, type SiemConfig, type EnvVariable } from './schema';
export { ConfigError, ConfigErrorCodes, type ConfigErrorCode } from './errors';
export { renderConfigurationReference } from './render-docs';
