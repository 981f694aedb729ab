// The shapes of the public API the page reads (server/contract/*.py), only the fields used.

export type StreamStatus = "idle" | "active" | "disconnected" | "completed" | "disabled";

export interface Price {
  amount: number;
  currency: string;
}

export interface Stream {
  id: string;
  title: string;
  status: StreamStatus;
  visibility: "public" | "members" | "ticketed";
  price: Price | null;
  scheduled_at: string | null;
  playback_url: string | null;
  replays: Array<{ id: string; playback_url: string; duration: number | null }>;
  viewer_count: number;
  creator: { id: string; display_name: string };
}

export interface PhoneFormat {
  country: string;
  example: string;
  dial_code: string;
  pattern: string;
}

export interface MethodOption {
  method: string;
  currency: string;
  step: number;
  minimum: number;
  presets: number[];
  phone: PhoneFormat | null;
}

export interface Boot {
  stream: Stream;
  methods: MethodOption[];
  hls_url: string;
}

export type PaymentStatus = "pending" | "succeeded" | "failed" | "cancelled" | "expired";

export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  failure_reason: { code: string; message: string } | null;
  next_action: { type: string; message?: string; url?: string } | null;
}

export interface ChatMessage {
  id: string;
  author: { id: string; name: string; role: string };
  text: string;
  client_id?: string | null;
  kind?: "chat" | "tip";
  amount?: number | null;
  currency?: string | null;
}
