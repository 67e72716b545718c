// Runs the Khronos glTF validator on one GLB file and prints its report as JSON.
// usage: NODE_PATH=target/node/node_modules node validate-gltf.js FILE.glb
const fs = require('fs');
const validator = require('gltf-validator');
const file = process.argv[2];
validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {uri: file, maxIssues: 100})
  .then((report) => console.log(JSON.stringify(report)))
  .catch((error) => { console.error('validation failed: ' + error); process.exit(3); });
