// The HLS player: hls.js wherever Media Source Extensions exist, because only it starts on
// the lowest rendition and never picks one larger than the screen (fans pay for every
// byte), and because Chromium's young native HLS cannot parse every stream. Browsers
// without MSE (older iPhones) play natively; hls.js is fetched only when used.

import { t } from "./i18n";
import { byId, el } from "./dom";

interface HlsInstance {
  loadSource(url: string): void;
  attachMedia(media: HTMLMediaElement): void;
  startLoad(): void;
  recoverMediaError(): void;
  destroy(): void;
  on(event: string, handler: (event: string, data: { fatal?: boolean; type?: string; details?: string }) => void): void;
}

interface HlsClass {
  new (config: Record<string, unknown>): HlsInstance;
  isSupported(): boolean;
  Events: { MANIFEST_PARSED: string; ERROR: string };
  ErrorTypes: { NETWORK_ERROR: string; MEDIA_ERROR: string };
}

declare global {
  interface Window {
    Hls?: HlsClass;
  }
}

const RETRY_MS = 3000;
let hls: HlsInstance | null = null;
let loading: Promise<HlsClass | undefined> | null = null;
let currentUrl = "";

function loadHls(src: string): Promise<HlsClass | undefined> {
  if (!loading) {
    loading = new Promise((resolve) => {
      const script = el("script", { src });
      script.onload = () => resolve(window.Hls);
      script.onerror = () => {
        loading = null; // a dropped connection: let the next attempt fetch it again
        resolve(undefined);
      };
      document.head.append(script);
    });
  }
  return loading;
}

/** Show a message over the video (or clear it with ""), with an optional action button. */
export function showNotice(text: string, action?: { label: string; run: () => void }): void {
  const notice = byId("notice");
  notice.replaceChildren();
  if (text) notice.append(el("p", {}, text));
  if (action) {
    const button = el("button", { type: "button", class: "secondary" }, action.label);
    button.onclick = action.run;
    notice.append(button);
  }
}

function hasMse(): boolean {
  const mse = window.MediaSource ?? (window as { ManagedMediaSource?: typeof MediaSource }).ManagedMediaSource;
  return !!mse && mse.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"');
}

function markReady(): void {
  document.body.dataset.player = "ready";
  showNotice("");
}

export async function play(url: string, hlsSrc: string): Promise<void> {
  const video = byId<HTMLVideoElement>("video");
  if (url === currentUrl) return;
  stop();
  currentUrl = url;
  video.hidden = false;
  showNotice(t("player_loading"));
  document.body.dataset.player = "loading";
  const retry = { label: t("player_retry"), run: () => restart(url, hlsSrc) };

  if (!hasMse() && video.canPlayType("application/vnd.apple.mpegurl")) {
    video.onloadedmetadata = markReady;
    video.onerror = () => showNotice(t("player_error"), retry);
    video.src = url;
    video.play().catch(() => undefined); // autoplay may be refused; the controls remain
    return;
  }
  const Hls = await loadHls(hlsSrc);
  if (!Hls) return showNotice(t("player_error"), retry);
  if (!Hls.isSupported()) return showNotice(t("player_unsupported"));
  const player = new Hls({ startLevel: 0, capLevelToPlayerSize: true, backBufferLength: 30 });
  hls = player;
  player.on(Hls.Events.MANIFEST_PARSED, () => {
    markReady();
    video.play().catch(() => undefined);
  });
  player.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal || hls !== player) return;
    document.body.dataset.playerError = data.details ?? data.type ?? "error"; // for support and tests
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) return player.recoverMediaError();
    // A live playlist can be missing for a moment (the creator just went live, or the
    // network dropped): say so and try again by itself.
    showNotice(t("player_error"), retry);
    window.setTimeout(() => {
      if (hls === player) restart(url, hlsSrc);
    }, RETRY_MS);
  });
  player.loadSource(url);
  player.attachMedia(video);
}

function restart(url: string, hlsSrc: string): void {
  currentUrl = "";
  void play(url, hlsSrc);
}

export function stop(): void {
  hls?.destroy();
  hls = null;
  currentUrl = "";
  const video = byId<HTMLVideoElement>("video");
  video.removeAttribute("src");
  video.hidden = true;
}
