// SPDX-License-Identifier: Apache-2.0
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import './app.css';

createRoot(document.getElementById('app')).render(<App />);
