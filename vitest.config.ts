import { defineConfig } from 'vitest/config';

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
