import { lazy, type ReactNode, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { CONTACTS_PATH, CONVERSATIONS_PATH } from "./api/messages";
import { prefetch } from "./api/prefetch";
import { FullScreenLoader } from "./components/ui/FullScreenLoader";
import { checkSession } from "./features/auth/session";
import ForgotPasswordPage from "./pages/ForgotPasswordPage";
import LandingPage from "./pages/LandingPage";
import LoginPage from "./pages/LoginPage";
import ResetPasswordPage from "./pages/ResetPasswordPage";
import SignupPage from "./pages/SignupPage";
import { useAuthStore } from "./store/auth";

// The chat page (and socket.io-client with it) loads only once someone is signed in, or at
// once when the address is /chat or a chat under it: then its code and its lists load while
// the session is checked, not one after the other.
const loadChatPage = () => import("./pages/ChatPage");
const ChatPage = lazy(loadChatPage);
// Block, unblock and report dialogs, asked from the chat page and from Settings alike.
const SafetyDialogs = lazy(() => import("./features/safety/SafetyDialogs"));
if (/^\/chat(\/|$)/.test(globalThis.location?.pathname ?? "")) {
  void loadChatPage();
  prefetch(CONVERSATIONS_PATH);
  prefetch(CONTACTS_PATH);
}

function SignedOutOnly({ children }: { children: ReactNode }) {
  const status = useAuthStore((s) => s.status);
  if (status === "checking") return <FullScreenLoader label="Checking your session…" />;
  return status === "signedIn" ? <Navigate to="/chat" replace /> : children;
}

function SignedInOnly({ children }: { children: ReactNode }) {
  const status = useAuthStore((s) => s.status);
  if (status === "checking") return <FullScreenLoader label="Checking your session…" />;
  return status === "signedIn" ? children : <Navigate to="/login" replace />;
}

// Asked at once, not after the first render: the session check is on the critical path of
// every page load.
void checkSession();

function SignedInExtras() {
  const signedIn = useAuthStore((s) => s.status === "signedIn");
  return signedIn ? (
    <Suspense fallback={null}>
      <SafetyDialogs />
    </Suspense>
  ) : null;
}

export default function App() {
  return (
    <BrowserRouter>
      <SignedInExtras />
      <Routes>
        <Route path="/" element={<SignedOutOnly><LandingPage /></SignedOutOnly>} />
        <Route path="/login" element={<SignedOutOnly><LoginPage /></SignedOutOnly>} />
        <Route path="/signup" element={<SignedOutOnly><SignupPage /></SignedOutOnly>} />
        <Route path="/forgot-password" element={<SignedOutOnly><ForgotPasswordPage /></SignedOutOnly>} />
        {/* Open whether signed in or not: an emailed link may be opened anywhere. */}
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        {/* One route for /chat and the conversations under it (chatRoute.ts), so that opening
            one never mounts the page (and its socket) afresh. */}
        <Route
          path="/chat/*"
          element={
            <SignedInOnly>
              <Suspense fallback={<FullScreenLoader label="Opening your chats…" />}>
                <ChatPage />
              </Suspense>
            </SignedInOnly>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </BrowserRouter>
  );
}
