import { Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EventHealthPanel } from './event-health-panel';
import { IdentityViolationsPanel } from './identity-violations-panel';
import { InvalidEventsPanel } from './invalid-events-panel';
import { RunsPanel } from './runs-panel';

const TABS = [
  { value: 'runs', label: 'Runs', panel: <RunsPanel /> },
  { value: 'invalid-events', label: 'Invalid events', panel: <InvalidEventsPanel /> },
  { value: 'event-health', label: 'Event health', panel: <EventHealthPanel /> },
  { value: 'identity', label: 'Merge protection', panel: <IdentityViolationsPanel /> },
];

// Everything that can go quietly wrong, one tab each; the tab is in the address (?tab=).
export function MonitorsPage() {
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((t) => t.value === params.get('tab')) ? params.get('tab')! : 'runs';
  return (
    <>
      <PageHeader
        title="Monitors"
        subtitle="Source runs, rejected events, silent events and refused merges"
      />
      <Tabs value={tab} onChange={(v) => setParams({ tab: v ?? 'runs' })} keepMounted={false}>
        <Tabs.List mb="md">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
