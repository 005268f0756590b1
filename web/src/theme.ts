import { Badge, createTheme } from '@mantine/core';

// Calm and readable at 1280×800: one accent colour, system fonts, compact but not cramped; no
// animation for people who ask their system for less motion.
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, monospace',
  headings: { fontWeight: '600' },
  components: {
    // Badges carry values (run status, source kind): never cut short, in their own case.
    Badge: Badge.extend({
      defaultProps: { tt: 'none' },
      styles: { root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } },
    }),
  },
});
