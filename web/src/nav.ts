export interface NavItem {
  path: string;
  label: string;
  // Shown only to keys with admin (the page's queries need it).
  admin: boolean;
}

// The navigation, in order. A new page adds its item here and its route in routes.tsx.
export const NAV: NavItem[] = [
  { path: '/traits', label: 'Traits', admin: false },
  { path: '/profiles', label: 'Profiles', admin: false },
  { path: '/audiences', label: 'Audiences', admin: false },
  { path: '/monitors', label: 'Monitors', admin: true },
];
