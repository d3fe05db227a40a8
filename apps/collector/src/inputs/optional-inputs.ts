import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { startFileTail } from './file-tail';
import type { InputContext, RunningInput } from './input';
import { InputErrorCodes, InputSetupError } from './input-errors';
import { startMqtt } from './mqtt';

/**
 * The inputs that run only when configured: MQTT when a broker is named, file
 * tailing when patterns are given. A collector told not to listen must have one.
 */
export async function startOptionalInputs(config: SiemConfig, context: InputContext): Promise<RunningInput[]> {
  const inputs: RunningInput[] = [];
  const { mqtt, files } = config;
  if (mqtt.url !== undefined) inputs.push(await startMqtt({ ...mqtt, url: mqtt.url }, context));
  if (files.patterns.length > 0) {
    inputs.push(
      await startFileTail(
        {
          patterns: files.patterns,
          multilineStart: files.multilineStart,
          multilineTimeoutMs: files.multilineTimeoutMs,
          pollMs: files.pollMs,
          scanIntervalMs: files.scanIntervalMs,
          // Named by role, like the spool, so that `siem agent` and a collector tailing files share a data directory safely.
          checkpointFile: path.resolve(config.deployment.dataDir, 'checkpoints', config.collector.listen ? 'collector-files.json' : 'agent-files.json'),
        },
        context,
      ),
    );
  }
  if (!config.collector.listen && inputs.length === 0) {
    throw new InputSetupError(InputErrorCodes.noInputs, 'SIEM_COLLECTOR_LISTEN=false leaves the collector with nothing to read; set SIEM_FILE_INPUTS or SIEM_MQTT_URL, or let it listen.');
  }
  return inputs;
}
