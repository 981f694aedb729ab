// The reference for tests/benchmarks/test_chat_fanout.py: a plain socket.io v4 server
// doing the same broadcast as the Flash chat (join a room, send -> `message` to the
// room with the same payload shape, ack {ok, id}), with no database and no checks.
// Usage: node server.js PORT   (prints "listening PORT" once ready)
"use strict";
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 0);
const io = new Server(port, { serveClient: false, transports: ["websocket", "polling"] });
let seq = 0;

io.use((socket, next) => {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  next(token ? undefined : new Error("connect with auth {token}"));
});

io.on("connection", (socket) => {
  socket.on("join", (data, ack) => {
    socket.join("stream:" + data.stream_id);
    if (typeof ack === "function") ack({ ok: true, history: [] });
  });
  socket.on("send", (data, ack) => {
    seq += 1;
    const id = String(seq).padStart(12, "0");
    io.to("stream:" + data.stream_id).emit("message", {
      id,
      stream_id: data.stream_id,
      author: { id: "creator", name: "Creator", role: "creator" },
      text: data.text,
      sent_at: new Date().toISOString(),
      client_id: data.client_id,
      kind: "chat",
      amount: null,
      currency: null,
    });
    if (typeof ack === "function") ack({ ok: true, id });
  });
});

io.httpServer.on("listening", () => console.log("listening " + io.httpServer.address().port));
process.on("SIGTERM", () => io.close(() => process.exit(0)));
