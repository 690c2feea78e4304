import { ModelsPanel } from './ModelsPanel';

export default function Home() {
  return (
    <main>
      <h1>Models</h1>
      <ModelsPanel />
    </main>
  );
}
