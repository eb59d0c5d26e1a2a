<?xml version="1.0" encoding="UTF-8"?>
<!--
  MuscleBalance: the patient's exercise handout, from an XML report (urn:musclebalance:report:1).
  The plan in plain words and large type: one block per exercise with its side, dose, how to do
  it and what it is for; the date of the next check; what to take care with. `mbt report
  -\-format handout` and `xsltproc` give the same bytes. XSLT 1.0, reads and writes no file.

  Parameters (all optional): patient (id; default every patient), session (yyyy-mm-dd; default
  the latest), paper (A4 or Letter; default A4).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:musclebalance:report:1"
    exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

  <!-- Characters that would act instead of show (DEL, the C1 controls, the bidi marks,
       embeddings, overrides and isolates, which can reorder a line): every text put on the
       page passes through translate() with these two, so each shows as U+FFFD, as mbt's
       terminal output shows them escaped.
       Parameters, so that mbt, which replaces these characters in the document before the
       stylesheet reads it, can pass both empty: translate() looking each character of text up
       in these 45 was a fifth of a page's time. Any other processor keeps them as they are. -->
  <xsl:param name="hidden" select="'&#x7F;&#x80;&#x81;&#x82;&#x83;&#x84;&#x85;&#x86;&#x87;&#x88;&#x89;&#x8A;&#x8B;&#x8C;&#x8D;&#x8E;&#x8F;&#x90;&#x91;&#x92;&#x93;&#x94;&#x95;&#x96;&#x97;&#x98;&#x99;&#x9A;&#x9B;&#x9C;&#x9D;&#x9E;&#x9F;&#x61C;&#x200E;&#x200F;&#x202A;&#x202B;&#x202C;&#x202D;&#x202E;&#x2066;&#x2067;&#x2068;&#x2069;'"/>
  <xsl:param name="shown" select="'&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;'"/>

  <xsl:param name="patient" select="''"/>
  <xsl:param name="session" select="''"/>
  <xsl:param name="paper" select="'A4'"/>

  <xsl:key name="exercise" match="r:catalogue/r:exercise" use="@id"/>
  <xsl:key name="test" match="r:catalogue/r:test" use="@id"/>

  <xsl:template match="/r:report">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="mbt handout.html.xsl"/>
        <title>
          <xsl:text>Your exercises</xsl:text>
          <xsl:if test="$patient != ''"><xsl:value-of select="translate(concat(' - ', $patient), $hidden, $shown)"/></xsl:if>
          <xsl:if test="@clinic"><xsl:value-of select="translate(concat(' - ', @clinic), $hidden, $shown)"/></xsl:if>
        </title>
        <style>
          <xsl:text>@page { size: </xsl:text>
          <xsl:value-of select="translate($paper, $hidden, $shown)"/>
          <xsl:text>; margin: 15mm 14mm; }</xsl:text>
          <xsl:value-of select="$css"/>
        </style>
      </head>
      <body>
        <xsl:comment> patients </xsl:comment>
        <xsl:apply-templates select="r:patient[$patient = '' or @id = $patient]"/>
        <xsl:comment> end of patients </xsl:comment>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="r:patient">
    <xsl:apply-templates select="r:session[$session = '' or @date = $session][last()]"/>
  </xsl:template>

  <xsl:template match="r:session">
    <section class="patient">
      <div class="clinic"><xsl:value-of select="translate(/r:report/@clinic, $hidden, $shown)"/></div>
      <h1>Your exercises</h1>
      <p class="who">
        <!-- The patient's name where the clinic records it, else the id the clinic knows them by. -->
        <xsl:choose>
          <xsl:when test="normalize-space(../@name) != ''">
            <xsl:value-of select="translate(concat('For ', ../@name, ' (', ../@id, '), from the assessment of ', @date), $hidden, $shown)"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="translate(concat('For ', ../@id, ', from the assessment of ', @date), $hidden, $shown)"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@assessor"><xsl:value-of select="translate(concat(' with ', @assessor), $hidden, $shown)"/></xsl:if>
        <xsl:text>.</xsl:text>
      </p>
      <xsl:for-each select="r:plan">
        <xsl:if test="not(r:exercise)">
          <p>Your assessment found nothing that needs a corrective exercise.</p>
        </xsl:if>
        <xsl:if test="r:exercise">
          <p>Do only the side written on each exercise: the weaker side gets the strengthening, and
            only the tight side is stretched. Stop and tell us if an exercise brings pain.</p>
        </xsl:if>
        <xsl:for-each select="r:exercise">
          <div class="exercise">
            <h2>
              <xsl:value-of select="translate(concat(position(), '. ', @name), $hidden, $shown)"/>
            </h2>
            <p class="side">
              <xsl:choose>
                <xsl:when test="@side = 'left'">Left side only</xsl:when>
                <xsl:when test="@side = 'right'">Right side only</xsl:when>
                <xsl:when test="@side = 'both' and @againOn"><xsl:value-of select="concat('Both sides, then once more on your ', @againOn, ' side (it is the weaker one)')"/></xsl:when>
                <xsl:when test="@side = 'both'">Both sides</xsl:when>
                <xsl:otherwise>Both sides (a middle-of-the-body exercise)</xsl:otherwise>
              </xsl:choose>
            </p>
            <table class="dose">
              <tr>
                <th>How much</th>
                <td><xsl:call-template name="amount"/></td>
              </tr>
              <tr>
                <th>Sets</th>
                <td>
                  <xsl:choose>
                    <xsl:when test="@sets"><xsl:value-of select="translate(@sets, $hidden, $shown)"/></xsl:when>
                    <xsl:otherwise><xsl:call-template name="ask"/></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
              <tr>
                <th>Days a week</th>
                <td>
                  <xsl:choose>
                    <xsl:when test="@daysPerWeekMin and @daysPerWeekMax"><xsl:value-of select="translate(concat(@daysPerWeekMin, ' to ', @daysPerWeekMax), $hidden, $shown)"/></xsl:when>
                    <xsl:when test="@daysPerWeekMin"><xsl:value-of select="translate(@daysPerWeekMin, $hidden, $shown)"/></xsl:when>
                    <xsl:otherwise><xsl:call-template name="ask"/></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </table>
            <!-- The protocol's words for a patient where it has them (no muscle names, no study
                 figures, no side that could contradict the side above); else its instructions. -->
            <p class="how">
              <xsl:choose>
                <xsl:when test="key('exercise', @id)/@patient"><xsl:value-of select="translate(key('exercise', @id)/@patient, $hidden, $shown)"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="translate(key('exercise', @id), $hidden, $shown)"/></xsl:otherwise>
              </xsl:choose>
            </p>
            <p class="for">
              <xsl:text>What it is for: </xsl:text>
              <xsl:choose>
                <xsl:when test="key('exercise', @id)/@purpose"><xsl:value-of select="translate(key('exercise', @id)/@purpose, $hidden, $shown)"/></xsl:when>
                <xsl:when test="contains(., ':')"><xsl:value-of select="translate(substring-before(., ':'), $hidden, $shown)"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="translate(., $hidden, $shown)"/></xsl:otherwise>
              </xsl:choose>
              <xsl:text>.</xsl:text>
            </p>
          </div>
        </xsl:for-each>
        <xsl:if test="@reassessFrom">
          <p class="next">
            <xsl:text>Your next check: between </xsl:text>
            <span class="date"><xsl:value-of select="translate(@reassessFrom, $hidden, $shown)"/></span>
            <xsl:text> and </xsl:text>
            <span class="date"><xsl:value-of select="translate(@reassessBy, $hidden, $shown)"/></span>
            <xsl:text>.</xsl:text>
          </p>
        </xsl:if>
      </xsl:for-each>
      <xsl:if test="r:adjunct">
        <div class="exercise">
          <h2>Other treatments</h2>
          <xsl:for-each select="r:adjunct">
            <xsl:choose>
              <xsl:when test="@offered = 'true'">
                <p>
                  <strong><xsl:value-of select="translate(@name, $hidden, $shown)"/></strong>
                  <xsl:text>: you may use it alongside these exercises, never instead of them.</xsl:text>
                  <xsl:if test="@maxMinutesPerDay"><xsl:value-of select="translate(concat(' At most ', @maxMinutesPerDay, ' minutes a day.'), $hidden, $shown)"/></xsl:if>
                  <xsl:if test="@maxMinutesPerSession"><xsl:value-of select="translate(concat(' At most ', @maxMinutesPerSession, ' minutes a session.'), $hidden, $shown)"/></xsl:if>
                </p>
              </xsl:when>
              <xsl:otherwise>
                <!-- In the patient's words: what to do, not the screen's terms. -->
                <p class="stop">
                  <strong>
                    <xsl:choose>
                      <xsl:when test="@verdict = 'physician-approval'"><xsl:value-of select="translate(concat('Do not use the ', @name, ' unless your doctor approves it.'), $hidden, $shown)"/></xsl:when>
                      <xsl:when test="@verdict = 'screen-first'"><xsl:value-of select="translate(concat('Do not use the ', @name, ' until your clinician has checked it is safe for you.'), $hidden, $shown)"/></xsl:when>
                      <xsl:otherwise><xsl:value-of select="translate(concat('Do not use the ', @name, '.'), $hidden, $shown)"/></xsl:otherwise>
                    </xsl:choose>
                  </strong>
                  <xsl:for-each select="r:reason"><xsl:value-of select="translate(concat(' ', ., '.'), $hidden, $shown)"/></xsl:for-each>
                </p>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:if test="@offered = 'true'">
              <ul><xsl:for-each select="r:caution"><li><xsl:value-of select="translate(., $hidden, $shown)"/></li></xsl:for-each></ul>
            </xsl:if>
          </xsl:for-each>
        </div>
      </xsl:if>
      <!-- What has improved since the first visit of this course of care, in plain words: each
           test and score the report judges improved from the baseline (beyond its measurement
           error or minimal important change), then and now. Nothing when there is no course. -->
      <xsl:if test="r:courseOfCare/r:line[@kind = 'test' or @kind = 'outcome'][r:sinceBaseline/@verdict = 'improved']">
        <div class="exercise">
          <h2>Since your first visit</h2>
          <p><xsl:value-of select="concat('Since your first visit on ', r:courseOfCare/@baseline, ', what has really improved:')"/></p>
          <ul>
            <xsl:for-each select="r:courseOfCare/r:line[@kind = 'test' or @kind = 'outcome'][r:sinceBaseline/@verdict = 'improved']">
              <xsl:variable name="t" select="key('test', @id)"/>
              <li>
                <xsl:choose>
                  <xsl:when test="@kind = 'test'">
                    <xsl:value-of select="translate($t/@label, $hidden, $shown)"/>
                    <xsl:if test="@side"><xsl:value-of select="concat(', ', @side, ' side')"/></xsl:if>
                    <xsl:choose>
                      <xsl:when test="$t/@quality = 'strength'">: stronger</xsl:when>
                      <xsl:when test="$t/@quality = 'endurance'">: you hold it longer</xsl:when>
                      <xsl:otherwise>: more flexible</xsl:otherwise>
                    </xsl:choose>
                    <xsl:value-of select="translate(concat(' (', round(r:sinceBaseline/@previous * 10) div 10, ' then, ', round(r:point[last()]/@value * 10) div 10, ' ', $t/@unit, ' now)'), $hidden, $shown)"/>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:variable name="o" select="../../r:outcome[@instrument = current()/@id]"/>
                    <xsl:choose>
                      <xsl:when test="@id = 'nprs'">Your pain score</xsl:when>
                      <xsl:otherwise><xsl:value-of select="translate(concat('Your ', $o/@name, ' score'), $hidden, $shown)"/></xsl:otherwise>
                    </xsl:choose>
                    <xsl:value-of select="concat(': ', r:sinceBaseline/@previous, ' then, ', r:point[last()]/@value, ' now')"/>
                  </xsl:otherwise>
                </xsl:choose>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:if>
      <!-- What the patient told us, in their words: each score since the last time it was
           asked, and which way is better. A risk stratification is the clinician's, not here. -->
      <xsl:if test="r:outcome[@score][@instrument != 'start-back']">
        <div class="exercise">
          <h2>How you are doing</h2>
          <xsl:for-each select="r:outcome[@score][@instrument != 'start-back']">
            <xsl:variable name="change" select="../r:progress/r:outcomeChange[@instrument = current()/@instrument]"/>
            <p>
              <xsl:choose>
                <xsl:when test="@instrument = 'nprs'">Your pain score</xsl:when>
                <xsl:when test="@instrument = 'odi'">Your back disability score (Oswestry)</xsl:when>
                <xsl:when test="@instrument = 'rmdq'">Your daily activities score (Roland-Morris)</xsl:when>
                <xsl:when test="@instrument = 'psfs'">Your score for the activities you named</xsl:when>
                <xsl:otherwise><xsl:value-of select="translate(concat('Your ', @name, ' score'), $hidden, $shown)"/></xsl:otherwise>
              </xsl:choose>
              <xsl:choose>
                <xsl:when test="$change"><xsl:value-of select="translate(concat(' went from ', $change/@previous, ' to ', $change/@latest, '.'), $hidden, $shown)"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="translate(concat(' today: ', @score, '.'), $hidden, $shown)"/></xsl:otherwise>
              </xsl:choose>
              <xsl:choose>
                <xsl:when test="@instrument = 'nprs'"> (0 is no pain, 10 the worst.)</xsl:when>
                <xsl:when test="@instrument = 'psfs'"> (Higher is better.)</xsl:when>
                <xsl:otherwise> (Lower is better.)</xsl:otherwise>
              </xsl:choose>
              <xsl:if test="$change/@verdict = 'improved'"> That is a real improvement.</xsl:if>
              <xsl:if test="@recovered = 'true'"> You are at the level people who feel recovered report.</xsl:if>
            </p>
          </xsl:for-each>
        </div>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template name="amount">
    <xsl:variable name="reps">
      <xsl:choose>
        <xsl:when test="@repsMin and @repsMax"><xsl:value-of select="translate(concat(@repsMin, ' to ', @repsMax, ' repetitions'), $hidden, $shown)"/></xsl:when>
        <xsl:when test="@repsMin"><xsl:value-of select="translate(concat('at least ', @repsMin, ' repetitions'), $hidden, $shown)"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="holds">
      <xsl:choose>
        <xsl:when test="@holds and @holdsMax"><xsl:value-of select="translate(concat(@holds, ' to ', @holdsMax, ' holds'), $hidden, $shown)"/></xsl:when>
        <xsl:when test="@holds"><xsl:value-of select="translate(concat(@holds, ' holds'), $hidden, $shown)"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="seconds">
      <xsl:choose>
        <xsl:when test="@holdSecondsMin and @holdSecondsMax"><xsl:value-of select="translate(concat('hold ', @holdSecondsMin, ' to ', @holdSecondsMax, ' seconds'), $hidden, $shown)"/></xsl:when>
        <xsl:when test="@holdSecondsMin"><xsl:value-of select="translate(concat('hold ', @holdSecondsMin, ' seconds'), $hidden, $shown)"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:value-of select="translate($reps, $hidden, $shown)"/>
    <xsl:if test="$reps != '' and $holds != ''">; </xsl:if>
    <xsl:value-of select="translate($holds, $hidden, $shown)"/>
    <xsl:if test="($reps != '' or $holds != '') and $seconds != ''">, </xsl:if>
    <xsl:value-of select="translate($seconds, $hidden, $shown)"/>
    <xsl:if test="$reps = '' and $holds = '' and $seconds = ''"><xsl:call-template name="ask"/></xsl:if>
  </xsl:template>

  <!-- A figure the protocol has no source for: a line for the clinician to write it in (the
       clinician's report says "no reference"; a patient needs the figure, not the reason). -->
  <xsl:template name="ask">
    <span class="ask">________ (your clinician writes this in)</span>
  </xsl:template>

  <xsl:variable name="css">
    body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 15pt;
           line-height: 1.4; color: #000; background: #fff; margin: 0 auto; max-width: 182mm; }
    h1 { font-size: 24pt; margin: 0 0 6pt; }
    h2 { font-size: 18pt; margin: 0 0 4pt; }
    .clinic { text-align: right; font-size: 12pt; }
    .date { white-space: nowrap; }
    .patient + .patient { break-before: page; }
    .exercise { border: 2px solid #000; border-radius: 6pt; padding: 8pt 10pt; margin: 10pt 0; break-inside: avoid; }
    .side { font-weight: bold; font-size: 17pt; margin: 0 0 4pt; text-decoration: underline; }
    table.dose { border-collapse: collapse; margin: 0 0 4pt; }
    table.dose th { text-align: left; font-weight: normal; padding: 0 12pt 0 0; }
    table.dose td { font-weight: bold; }
    .ask { font-weight: normal; font-style: italic; }
    .for { font-size: 13pt; font-style: italic; }
    .next { font-size: 17pt; font-weight: bold; border-top: 2px solid #000; padding-top: 6pt; }
    .stop { border-left: 6pt solid #000; padding-left: 8pt; }
  </xsl:variable>
</xsl:stylesheet>
