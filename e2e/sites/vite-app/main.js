// An ordinary app: it calls its API and shows the answer. No monitoring code.
const API = import.meta.env.VITE_API_ORIGIN;

async function call(path) {
  try {
    const res = await fetch(API + path);
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { error: String(err) };
  }
}

window.app = { call };
document.querySelector('#load').addEventListener('click', async () => {
  document.querySelector('#out').textContent = JSON.stringify(await call('/v1/models'));
});
