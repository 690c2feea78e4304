// A dedicated Web Worker that calls the API, as an app's background code would.
self.onmessage = async (event) => {
  const { url } = event.data;
  try {
    const res = await fetch(url);
    self.postMessage({ status: res.status });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
