"""/api/auth: sign up, log in and out, the current user, profile and password."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from socketspace.api.deps import ContextDep, CurrentViewer, address_of, token_from
from socketspace.context import AppContext
from socketspace.schemas.common import MessageOut
from socketspace.schemas.user import (
    ChangePasswordIn,
    ForgotPasswordIn,
    LoginIn,
    ResetPasswordIn,
    SignupIn,
    UpdateProfileIn,
    UserOut,
)
from socketspace.security.tokens import COOKIE_NAME
from socketspace.services import accounts, password_reset, users
from socketspace.services.accounts import SignedIn

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _set_session_cookie(response: Response, ctx: AppContext, signed_in: SignedIn) -> None:
    response.set_cookie(
        COOKIE_NAME,
        signed_in.token,
        max_age=int(ctx.tokens.lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
        path="/",
    )


def _clear_session_cookie(response: Response, ctx: AppContext) -> None:
    response.delete_cookie(
        COOKIE_NAME, httponly=True, samesite="lax", secure=ctx.settings.secure_cookies, path="/"
    )


def _user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=UserOut)
async def signup(body: SignupIn, request: Request, response: Response, ctx: ContextDep) -> UserOut:
    signed_in = await accounts.signup(
        ctx.db,
        ctx.passwords,
        ctx.tokens,
        ctx.throttle,
        ctx.rules,
        ctx.outbox,
        address=address_of(request, ctx),
        honeypot=body.website,
        full_name=body.fullName,
        email=body.email,
        password=body.password,
        user_agent=_user_agent(request),
        allow_local_email_domains=ctx.settings.allow_local_email_domains,
    )
    _set_session_cookie(response, ctx, signed_in)
    return UserOut.of(signed_in.user)


@router.post("/login", response_model=UserOut)
async def login(body: LoginIn, request: Request, response: Response, ctx: ContextDep) -> UserOut:
    """Limited per address, and per account: repeated failures lock the account out for a
    growing while (see services.accounts.login)."""
    signed_in = await accounts.login(
        ctx.db,
        ctx.passwords,
        ctx.tokens,
        ctx.throttle,
        ctx.rules,
        address=address_of(request, ctx),
        email=body.email,
        password=body.password,
        user_agent=_user_agent(request),
    )
    _set_session_cookie(response, ctx, signed_in)
    return UserOut.of(signed_in.user)


@router.post("/logout", response_model=MessageOut)
async def logout(request: Request, response: Response, ctx: ContextDep) -> MessageOut:
    token = token_from(request)
    claims = ctx.tokens.read(token) if token else None
    if claims is not None:
        await accounts.logout(
            ctx.db, ctx.notifier, user_id=claims.user_id, session_id=claims.session_id
        )
    _clear_session_cookie(response, ctx)
    return MessageOut(message="Logged out successfully")


@router.post("/logout-all", response_model=MessageOut)
async def logout_all(viewer: CurrentViewer, response: Response, ctx: ContextDep) -> MessageOut:
    ended = await accounts.logout_all(ctx.db, ctx.notifier, viewer.user_id)
    _clear_session_cookie(response, ctx)
    return MessageOut(message=f"Logged out of {ended} session{'s' if ended != 1 else ''}")


@router.get("/check", response_model=UserOut)
async def check(viewer: CurrentViewer, ctx: ContextDep) -> UserOut:
    return UserOut.of(await accounts.signed_in_user(ctx.db, viewer.user_id))


@router.put("/update-profile", response_model=UserOut)
async def update_profile(body: UpdateProfileIn, viewer: CurrentViewer, ctx: ContextDep) -> UserOut:
    user = await users.update_profile(
        ctx.db,
        ctx.media,
        ctx.notifier,
        user_id=viewer.user_id,
        profile_pic=body.profilePic,
        full_name=body.fullName,
    )
    return UserOut.of(user)


@router.put("/password", response_model=MessageOut)
async def change_password(
    body: ChangePasswordIn, viewer: CurrentViewer, ctx: ContextDep
) -> MessageOut:
    await accounts.change_password(
        ctx.db,
        ctx.passwords,
        ctx.notifier,
        user_id=viewer.user_id,
        session_id=viewer.session_id,
        current=body.currentPassword,
        new=body.newPassword,
    )
    return MessageOut(message="Password changed. Your other sessions were logged out.")


FORGOT_ANSWER = (
    "If an account uses that email, we have sent it a link to reset the password. Check your inbox."
)


@router.post("/forgot-password", response_model=MessageOut)
async def forgot_password(body: ForgotPasswordIn, request: Request, ctx: ContextDep) -> MessageOut:
    """The same answer whether or not the account exists: nothing to learn about who is here."""
    await password_reset.request_reset(
        ctx.db,
        ctx.throttle,
        ctx.rules,
        ctx.outbox,
        key=ctx.settings.signing_key,
        lifetime=timedelta(minutes=ctx.settings.password_reset_minutes),
        address=address_of(request, ctx),
        email=body.email,
        allow_local_email_domains=ctx.settings.allow_local_email_domains,
    )
    return MessageOut(message=FORGOT_ANSWER)


@router.post("/reset-password", response_model=MessageOut)
async def reset_password(body: ResetPasswordIn, ctx: ContextDep) -> MessageOut:
    await password_reset.reset_password(
        ctx.db, ctx.passwords, ctx.notifier, token=body.token, new_password=body.newPassword
    )
    return MessageOut(message="Your password was changed. Log in with the new one.")
