import { lazy, type ReactNode, Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { FullScreenLoader } from "./components/ui/FullScreenLoader";
import { checkSession } from "./features/auth/session";
import LandingPage from "./pages/LandingPage";
import LoginPage from "./pages/LoginPage";
import SignupPage from "./pages/SignupPage";
import { useAuthStore } from "./store/auth";

// The chat page (and socket.io-client with it) loads only once someone is signed in.
const ChatPage = lazy(() => import("./pages/ChatPage"));

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

export default function App() {
  useEffect(() => {
    void checkSession();
  }, []);

  return (
    <BrowserRouter>
      <Routes>
        <Route path="/" element={<SignedOutOnly><LandingPage /></SignedOutOnly>} />
        <Route path="/login" element={<SignedOutOnly><LoginPage /></SignedOutOnly>} />
        <Route path="/signup" element={<SignedOutOnly><SignupPage /></SignedOutOnly>} />
        <Route
          path="/chat"
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
