import { Button, Code, CopyButton, Group } from '@mantine/core';

// A run id as logs and the API write it: the short form as the label (the full id on hover), and a
// button that copies the full id, so an operator can search the logs by it. `full` shows it whole.
export function RunId({ id, full = false }: { id: string; full?: boolean }) {
  return (
    <Group gap={4} component="span" display="inline-flex" data-run-id={id}>
      <Code fz="xs" title={id} style={{ whiteSpace: 'nowrap' }}>
        {full ? id : id.slice(0, 8)}
      </Code>
      <CopyButton value={id}>
        {({ copied, copy }) => (
          <Button
            variant="subtle"
            size="compact-xs"
            color={copied ? 'teal' : 'gray'}
            onClick={copy}
            aria-label={`Copy run id ${id}`}
          >
            {copied ? 'copied' : 'copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
