import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, setUnauthorizedHandler, type Me } from './api.ts';
import { Shell } from './components/Shell.tsx';
import { ErrorBox, Loading } from './components/ui.tsx';
import { clearReferenceCache } from './data.ts';
import type { MessageKey } from './i18n.tsx';
import { homeFor, inSection, navFor } from './nav.ts';
import { Catalog } from './pages/Catalog.tsx';
import { ClaimPage } from './pages/ClaimDetail.tsx';
import { ClaimNew } from './pages/ClaimNew.tsx';
import { ClaimQueue, ClaimReviewPage } from './pages/ClaimReview.tsx';
import { ClearingMonthPage, ClearingMonths } from './pages/ClearingMonths.tsx';
import { AgencyClearing, StatementPage } from './pages/ClearingStatements.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { EstimatePage } from './pages/Estimate.tsx';
import { FilingPage } from './pages/Filing.tsx';
import { FilingReview } from './pages/FilingReview.tsx';
import { FilingSearch } from './pages/FilingSearch.tsx';
import { FilingStats } from './pages/FilingStats.tsx';
import { Institutions } from './pages/Institutions.tsx';
import { Login } from './pages/Login.tsx';
import { MyClaims } from './pages/MyClaims.tsx';
import { MyInsurance } from './pages/MyInsurance.tsx';
import { MySettlements } from './pages/MySettlements.tsx';
import { NewFiling } from './pages/NewFiling.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { PersonDetail, Persons } from './pages/Persons.tsx';
import { Payables } from './pages/Payables.tsx';
import { Policies } from './pages/Policies.tsx';
import { PolicyDetail } from './pages/PolicyDetail.tsx';
import { Prepaid } from './pages/Prepaid.tsx';
import { SettlementSearch } from './pages/SettlementSearch.tsx';
import { SettlementSlip } from './pages/SettlementSlip.tsx';
import { matchPath, navigate, Redirect, useLocation, useScrollReset, type Location } from './router.tsx';

type Session =
  | { state: 'checking' }
  | { state: 'unreachable'; error: ApiError }
  | { state: 'out'; notice: MessageKey | null }
  | { state: 'in'; me: Me };

function currentPath(): string {
  return window.location.pathname + window.location.search;
}

function loginUrl(next: string): string {
  return next === '/' || next.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** Only same-site paths are followed after sign-in. */
function safeNext(raw: string | null): string | null {
  return raw && raw.startsWith('/') && !raw.startsWith('//') ? raw : null;
}

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const location = useLocation();
  useScrollReset(location.path);

  const check = useCallback(() => {
    setSession({ state: 'checking' });
    api.me().then(
      (me) => setSession({ state: 'in', me }),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) setSession({ state: 'out', notice: null });
        else setSession({ state: 'unreachable', error: e instanceof ApiError ? e : new ApiError(0, 'network', undefined) });
      },
    );
  }, []);

  useEffect(check, [check]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      clearReferenceCache();
      setSession({ state: 'out', notice: 'login.expired' });
      navigate(loginUrl(currentPath()), { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const signOut = useCallback(() => {
    const done = () => {
      clearReferenceCache();
      setSession({ state: 'out', notice: 'login.signedOut' });
      navigate('/login');
    };
    api.signOut().then(done, done);
  }, []);

  if (session.state === 'checking') {
    return (
      <div className="centered">
        <Loading />
      </div>
    );
  }
  if (session.state === 'unreachable') {
    return (
      <div className="centered">
        <ErrorBox error={session.error} onRetry={check} />
      </div>
    );
  }
  if (session.state === 'out') {
    if (location.path !== '/login') return <Redirect to={loginUrl(currentPath())} />;
    return (
      <Login
        notice={session.notice}
        onSignedIn={(me) => {
          setSession({ state: 'in', me });
          const next = safeNext(location.query.get('next'));
          navigate(next && navFor(me.role).some((i) => inSection(new URL(next, window.location.origin).pathname, i.to)) ? next : homeFor(me.role), { replace: true });
        }}
      />
    );
  }

  const { me } = session;
  if (location.path === '/' || location.path === '/login') return <Redirect to={homeFor(me.role)} />;
  return (
    <Shell me={me} path={location.path} onSignOut={signOut}>
      <Routes me={me} location={location} />
    </Shell>
  );
}

function Routes({ me, location }: { me: Me; location: Location }) {
  const { path } = location;
  const allowed = navFor(me.role).some((i) => inSection(path, i.to));
  if (!allowed) return <NotFound home={homeFor(me.role)} />;

  if (path === '/me' && me.psn_no) return <MyInsurance psnNo={me.psn_no} />;
  if (path === '/filing' && me.psn_no) return <FilingPage psnNo={me.psn_no} />;
  if (path === '/filing/new' && me.psn_no) return <NewFiling psnNo={me.psn_no} />;
  if (path === '/estimate' && me.psn_no) return <EstimatePage psnNo={me.psn_no} />;
  if (path === '/institutions') return <Institutions me={me} query={location.query} />;
  if (path === '/catalog') return <Catalog me={me} query={location.query} />;
  if (path === '/policies') return <Policies me={me} query={location.query} />;
  const policy = matchPath('/policies/:id', path);
  if (policy) return <PolicyDetail id={policy.id!} />;
  if (path === '/persons') return <Persons me={me} query={location.query} />;
  const person = matchPath('/persons/:psnNo', path);
  if (person) return <PersonDetail psnNo={person.psnNo!} />;
  if (path === '/filings') return <FilingReview path={path} query={location.query} />;
  if (path === '/filings/search') return <FilingSearch path={path} query={location.query} />;
  if (path === '/filings/stats') return <FilingStats path={path} />;
  if (path === '/dashboard') return <Dashboard query={location.query} />;
  if (path === '/clearing') return me.role === 'national' ? <ClearingMonths /> : <AgencyClearing me={me} query={location.query} />;
  const statement = matchPath('/clearing/statements/:id', path);
  if (statement) return <StatementPage key={statement.id} id={statement.id!} me={me} query={location.query} />;
  const clearingMonth = matchPath('/clearing/:month', path);
  if (clearingMonth && me.role === 'national' && /^\d{4}-\d{2}$/.test(clearingMonth.month!)) return <ClearingMonthPage key={clearingMonth.month} month={clearingMonth.month!} />;
  if (path === '/prepaid') return <Prepaid query={location.query} />;
  if (path === '/payables') return <Payables me={me} query={location.query} />;
  if (path === '/settlements' && me.role !== 'person') return <SettlementSearch me={me} query={location.query} />;
  if (path === '/settlements' && me.psn_no) return <MySettlements psnNo={me.psn_no} query={location.query} />;
  const slip = matchPath('/settlements/:setlId', path);
  if (slip) return <SettlementSlip setlId={slip.setlId!} me={me} />;
  if (path === '/claims') return <MyClaims query={location.query} />;
  if (path === '/claims/new' && me.psn_no) return <ClaimNew psnNo={me.psn_no} />;
  const claim = matchPath('/claims/:id', path);
  if (claim && /^\d+$/.test(claim.id!)) return <ClaimPage key={claim.id} id={Number(claim.id)} me={me} />;
  if (path === '/claim-review') return <ClaimQueue query={location.query} />;
  const review = matchPath('/claim-review/:id', path);
  if (review && /^\d+$/.test(review.id!)) return <ClaimReviewPage key={review.id} id={Number(review.id)} me={me} />;
  return <NotFound home={homeFor(me.role)} />;
}
