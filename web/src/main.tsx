import "./lib/cspNonce";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import "./index.css";
import { applyTheme, loadTheme } from "./lib/preferences";
import { useSettingsStore } from "./store/settings";
import { Toasts } from "./Toasts";

// Before the first render, so a chosen theme never flashes the other one.
const theme = loadTheme();
applyTheme(theme);
useSettingsStore.getState().themeLoaded(theme);

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <App />
    <Toasts />
  </StrictMode>,
);
