// A server component: its fetch runs in Node, on the server, never in a browser.
export const dynamic = 'force-dynamic';

export default async function ServerFetch() {
  let status: string;
  try {
    const res = await fetch(`${process.env.API_ORIGIN}/v1/server-side?gateway=server`, { cache: 'no-store' });
    status = String(res.status);
  } catch (err) {
    status = `error ${String(err)}`;
  }
  return (
    <main>
      <h1>Fetched on the server</h1>
      <p aria-label="Server status">{status}</p>
    </main>
  );
}
