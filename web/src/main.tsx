import { render } from 'preact';

render(<main>Veche</main>, document.getElementById('app')!);
