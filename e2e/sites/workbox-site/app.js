// An ordinary page script: it calls the API and shows the answer. No monitoring code.
async function call(path) {
  try {
    const res = await fetch(window.API_ORIGIN + path);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { error: String(err) };
  }
}
window.app = { call };
document.querySelector('#load').addEventListener('click', async () => {
  document.querySelector('#out').textContent = JSON.stringify(await call('/v1/models'));
});
// This site has its own service worker (precaching, its own routes).
navigator.serviceWorker.register('/sw.js');
