import type { Role } from './api.ts';
import type { IconName } from './components/icons.tsx';
import type { MessageKey } from './i18n.tsx';

export interface NavItem {
  to: string;
  label: MessageKey;
  icon: IconName;
}

/** What each role sees; the server checks the same permissions again on every call. */
export function navFor(role: Role): NavItem[] {
  switch (role) {
    case 'person':
      return [
        { to: '/me', label: 'nav.myInsurance', icon: 'card' },
        { to: '/filing', label: 'nav.filing', icon: 'filing' },
        { to: '/institutions', label: 'nav.findInstitutions', icon: 'hospital' },
        { to: '/estimate', label: 'nav.estimate', icon: 'calculator' },
        { to: '/settlements', label: 'nav.mySettlements', icon: 'receipt' },
        { to: '/claims', label: 'nav.claims', icon: 'claim' },
      ];
    case 'insured_agency':
    case 'national':
      return [
        { to: '/institutions', label: 'nav.institutions', icon: 'hospital' },
        { to: '/catalog', label: 'nav.catalog', icon: 'list' },
        { to: '/policies', label: 'nav.policies', icon: 'document' },
        { to: '/persons', label: 'nav.persons', icon: 'people' },
        { to: '/filings', label: 'nav.filings', icon: 'review' },
        { to: '/settlements', label: 'nav.settlements', icon: 'receipt' },
        { to: '/claim-review', label: 'nav.claimReview', icon: 'claim' },
        ...(role === 'national'
          ? [
              { to: '/dashboard', label: 'nav.dashboard', icon: 'chart' } as const,
              { to: '/clearing', label: 'nav.clearing', icon: 'exchange' } as const,
              { to: '/prepaid', label: 'nav.prepaid', icon: 'wallet' } as const,
            ]
          : [{ to: '/clearing', label: 'nav.clearing', icon: 'exchange' } as const]),
      ];
    case 'treatment_agency':
      return [
        { to: '/institutions', label: 'nav.institutions', icon: 'hospital' },
        { to: '/catalog', label: 'nav.catalog', icon: 'list' },
        { to: '/policies', label: 'nav.policies', icon: 'document' },
        { to: '/settlements', label: 'nav.settlements', icon: 'receipt' },
        { to: '/clearing', label: 'nav.clearing', icon: 'exchange' },
        { to: '/payables', label: 'nav.payables', icon: 'wallet' },
      ];
  }
}

export function homeFor(role: Role): string {
  return navFor(role)[0]!.to;
}

/** Whether `path` lies in the section `to` (so `/policies/7` lights up "Policies"). */
export function inSection(path: string, to: string): boolean {
  return path === to || path.startsWith(`${to}/`);
}
