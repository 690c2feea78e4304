import { simulationTest } from './simulation.js';

simulationTest(0);
