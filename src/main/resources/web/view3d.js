// The page's 3D view: POST /v1/generate3d, then show the turntable GIF and offer the GLB for download.
(() => {
  const form = document.getElementById('form3d');
  if (!form) return;
  const error = document.getElementById('error3d');
  const result = document.getElementById('result3d');
  const button = document.getElementById('generate3d');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      const response = await fetch('/v1/generate3d', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          model: document.getElementById('model3d').value.trim(),
          prompt: document.getElementById('prompt3d').value,
        }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
      result.replaceChildren();
      const img = document.createElement('img');
      img.src = 'data:image/gif;base64,' + body.turntable_gif_base64;
      img.alt = 'turntable of ' + body.prompt;
      img.width = 192;
      img.height = 192;
      const link = document.createElement('a');
      link.href = 'data:model/gltf-binary;base64,' + body.glb_base64;
      link.download = body.prompt.replace(/[^a-z0-9]+/gi, '-') + '.glb';
      link.textContent = 'download GLB (' + body.triangles + ' triangles, ' + body.seconds + ' s)';
      const caption = document.createElement('p');
      caption.append(link);
      result.append(img, caption);
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
})();
