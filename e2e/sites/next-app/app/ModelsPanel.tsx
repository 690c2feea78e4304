'use client';

import * as Sentry from '@sentry/nextjs';
import { useState, type FormEvent } from 'react';

/** Calls the gateway API from the browser, and signs a user in: the client side of the app. */
export function ModelsPanel() {
  const [path, setPath] = useState('/v1/models');
  const [result, setResult] = useState('');
  const [user, setUser] = useState('');

  async function call(event: FormEvent) {
    event.preventDefault();
    setResult('loading');
    try {
      const res = await fetch(window.__ENV.API_ORIGIN + path);
      setResult(`${res.status} ${await res.text()}`);
    } catch (err) {
      setResult(`error ${String(err)}`);
    }
  }

  function signIn(event: FormEvent) {
    event.preventDefault();
    Sentry.setUser({ id: user, username: user });
  }

  return (
    <>
      <form onSubmit={call}>
        <label>
          Path <input value={path} onChange={(e) => setPath(e.target.value)} />
        </label>
        <button type="submit">Call API</button>
        <output aria-label="Result">{result}</output>
      </form>
      <form onSubmit={signIn}>
        <label>
          User <input value={user} onChange={(e) => setUser(e.target.value)} />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </>
  );
}
