import { createLoreApp } from '../lib/app.js';

// `npx cdk synth|deploy` runs this (cdk.json). Context values: README "Deploy to AWS".
createLoreApp().app.synth();
