export { freePort } from './free-port';
export { waitFor } from './wait-for';
export { startApp, type AppProcess, type LogLine } from './app-process';
export { StopWaiting } from './wait-for';
