import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './components/app-layout';
import { RequireAdmin, RequireSignIn } from './components/require-access';
import { AudienceBuilderPage } from './pages/audiences/audience-builder-page';
import { AudienceDetailPage } from './pages/audiences/audience-detail-page';
import { AudienceListPage } from './pages/audiences/audience-list-page';
import { MonitorsPage } from './pages/monitors/monitors-page';
import { NotFoundPage } from './pages/not-found-page';
import { ProfilePage } from './pages/profiles/profile-page';
import { SignInPage } from './pages/sign-in/sign-in-page';
import { TraitDetailPage } from './pages/traits/trait-detail-page';
import { TraitListPage } from './pages/traits/trait-list-page';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: (
      <RequireSignIn>
        <AppLayout />
      </RequireSignIn>
    ),
    children: [
      { index: true, element: <Navigate to="/traits" replace /> },
      { path: 'traits', element: <TraitListPage /> },
      { path: 'traits/:name', element: <TraitDetailPage /> },
      { path: 'profiles', element: <ProfilePage /> },
      { path: 'audiences', element: <AudienceListPage /> },
      { path: 'audiences/new', element: <AudienceBuilderPage /> },
      { path: 'audiences/:slug', element: <AudienceDetailPage /> },
      { path: 'audiences/:slug/edit', element: <AudienceBuilderPage /> },
      {
        path: 'monitors',
        element: (
          <RequireAdmin>
            <MonitorsPage />
          </RequireAdmin>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
