// The timeout warning (templates/includes/timeout_warning.html), GOV.UK's pattern for a
// session about to end: a modal dialog opens data-warning-seconds before the service would
// sign the person out, and counts down. "Stay signed in" (or Escape) posts the keep-alive
// form and the clock starts again; "Sign out" signs out; at zero the page goes to the
// sign-in page, which says why. Every tab of the service shares one end time
// (localStorage), so working in one tab keeps another from warning or signing out.

const STORAGE_KEY = 'app-session-ends-at'
// The page's own clock starts a little after the server's: never run out before it does.
const MARGIN_MS = 2000

function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

// What a screen reader hears: each minute, then every 15 seconds (not every second).
function spokenWords (seconds) {
  return inWords(seconds >= 60 ? seconds : Math.max(Math.ceil(seconds / 15) * 15, 15))
}

class TimeoutWarning {
  constructor (dialog) {
    this.dialog = dialog
    this.warningMs = Number(dialog.dataset.warningSeconds) * 1000
    this.signedOutUrl = dialog.dataset.signedOutUrl
    this.keepAliveForm = document.getElementById('timeout-keep-alive')
    this.countdown = dialog.querySelector('[data-countdown]')
    this.spoken = dialog.querySelector('[data-countdown-spoken]')
    this.closingOnPurpose = false
    this.share(Number(dialog.dataset.secondsLeft))
  }

  start () {
    this.keepAliveForm.addEventListener('submit', (event) => {
      event.preventDefault()
      this.keepAlive()
    })
    this.dialog.addEventListener('cancel', (event) => { // Escape: stay signed in
      event.preventDefault()
      this.keepAlive()
    })
    this.dialog.addEventListener('close', () => {
      if (!this.closingOnPurpose) this.keepAlive()
    })
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) this.tick()
    })
    document.addEventListener('visibilitychange', () => this.tick())
    this.timer = window.setInterval(() => this.tick(), 1000)
    this.tick()
  }

  share (secondsLeft) {
    this.endsAt = Date.now() + secondsLeft * 1000 + MARGIN_MS
    try {
      if (this.endsAt > Number(window.localStorage.getItem(STORAGE_KEY) || 0)) {
        window.localStorage.setItem(STORAGE_KEY, String(this.endsAt))
      }
    } catch (error) {} // storage refused (private mode): this tab keeps its own time
  }

  endsAtNow () {
    let shared = 0
    try {
      shared = Number(window.localStorage.getItem(STORAGE_KEY) || 0)
    } catch (error) {}
    return Math.max(this.endsAt, shared)
  }

  tick () {
    const left = this.endsAtNow() - Date.now()
    if (left <= 0) {
      window.clearInterval(this.timer)
      const next = encodeURIComponent(window.location.pathname)
      window.location.assign(`${this.signedOutUrl}?next=${next}`)
    } else if (left <= this.warningMs) {
      if (!this.dialog.open) this.open()
      this.show(Math.ceil(left / 1000))
    } else if (this.dialog.open) {
      this.close()
    }
  }

  show (seconds) {
    this.countdown.textContent = inWords(seconds)
    const spoken = `For your security, we will sign you out in ${spokenWords(seconds)}.`
    if (this.spoken.textContent !== spoken) this.spoken.textContent = spoken
  }

  open () {
    this.returnFocusTo = document.activeElement
    this.spoken.textContent = ''
    this.dialog.showModal()
  }

  close () {
    this.closingOnPurpose = true
    this.dialog.close()
    this.closingOnPurpose = false
    if (this.returnFocusTo && typeof this.returnFocusTo.focus === 'function') {
      this.returnFocusTo.focus()
    }
  }

  async keepAlive () {
    try {
      const response = await window.fetch(this.keepAliveForm.action, {
        method: 'POST',
        body: new window.FormData(this.keepAliveForm),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        redirect: 'manual' // signed out already: the sign-in page, below
      })
      if (!response.ok) throw new Error(`keep-alive answered ${response.status}`)
      const answer = await response.json()
      this.share(answer.seconds_left)
      if (this.dialog.open) this.close()
    } catch (error) { // signed out already (or the service is not answering): go
      this.endsAt = 0
      try {
        window.localStorage.removeItem(STORAGE_KEY)
      } catch (storageError) {}
      this.tick()
    }
  }
}

const dialog = document.querySelector('[data-module="app-timeout-warning"]')
if (dialog && typeof dialog.showModal === 'function') {
  new TimeoutWarning(dialog).start()
}
