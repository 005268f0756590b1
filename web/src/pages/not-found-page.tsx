import { Alert, Anchor } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Alert color="gray" title="No such page" role="status">
      Nothing lives at this address. Go to the{' '}
      <Anchor component={Link} to="/traits">
        trait catalogue
      </Anchor>
      .
    </Alert>
  );
}
