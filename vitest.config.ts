import { defineConfig } from 'vitest/config';

// Fault cases that `npm test` leaves to `npm run test:faults` (SIEM_FAULTS_ALL=1): together they
// take about ten minutes on two cores, which would push the README's test command past 30 minutes.
const EXTENDED_FAULTS = [
  'libs/testing/src/e2e/api-kill.fault.test.ts',
  'libs/testing/src/e2e/data-dir-full.fault.test.ts',
  'libs/testing/src/e2e/opensearch-outage.fault.test.ts',
  'libs/testing/src/e2e/processor-primary.fault.test.ts',
  'libs/testing/src/e2e/two-processors.fault.test.ts',
];
const extendedFaultsExcluded = process.env['SIEM_FAULTS_ALL'] === '1' ? [] : EXTENDED_FAULTS;

// Two projects: unit tests need no servers; integration tests run against the
// real Kafka and OpenSearch that tools/infra provisions in the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests that hash keys with scrypt or lint a file cold take seconds on a loaded 2-core machine.
          testTimeout: 30_000,
          include: ['{apps,libs,tools}/*/src/**/*.test.ts', 'docker/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.fault.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,libs,tools}/*/src/**/*.int.test.ts', '{apps,libs,tools}/*/src/**/*.fault.test.ts'],
          exclude: ['**/node_modules/**', ...extendedFaultsExcluded],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
